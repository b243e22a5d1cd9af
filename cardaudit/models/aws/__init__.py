"""The AWS resource models, one module per AWS service, each type carrying its `ResourceType` declaration."""
