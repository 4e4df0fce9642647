using MetaBackup.Cli;

return await CliApp.RunAsync(args, CliHost.FromProcess());
