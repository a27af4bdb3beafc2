"""What the pipeline decides about each line: rules, features, evidence, heuristics, the model, metadata."""
