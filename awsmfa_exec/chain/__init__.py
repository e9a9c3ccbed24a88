"""The credential pipeline every path shares: `plan` (which STS calls, a pure function),
`steps` (the providers that make them, and `credentials`, the one way in) and `cache` (the
one cache with single flight and a margin, and its keys). `config.resolve` walks the files
into the `Chain` these take."""
