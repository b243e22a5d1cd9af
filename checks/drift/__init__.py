"""Repository <-> account links: what a repository declares against what is deployed."""
