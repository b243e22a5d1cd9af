"""Repository artifacts: find the files cardaudit understands in the checkouts it is given."""
