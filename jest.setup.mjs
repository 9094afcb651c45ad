// Quiet Powertools loggers in tests unless a test asks for output itself.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
