"""What a user or a team configures: the config file, the key registry, labels and the file's
shared label set."""
