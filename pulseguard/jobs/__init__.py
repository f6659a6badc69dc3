"""Jobs: plain functions that take ids, safe to run twice, enqueued after commit."""
