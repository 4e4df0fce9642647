using MetaBackup.Cli;
using MetaBackup.Core.IO;

OwnerOnly.SetProcessUmask();
return await CliApp.RunAsync(args, CliHost.FromProcess());
