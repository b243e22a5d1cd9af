"""The collect stage: AWS APIs and repository files to an Inventory. The only stage that does I/O."""
