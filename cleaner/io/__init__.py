"""The edge of the pipeline: inputs read and decoded (text, Markdown, JSONL, WARC), batches run, outputs written."""
