"""Scoring against a ground truth: the accuracy metric and the line labels for training."""
