using MetaBackup.Cli;
using MetaBackup.Core.IO;
using MetaBackup.Data;

OwnerOnly.SetProcessUmask();
var host = CliHost.FromProcess();
if (!args.Any(arg => arg is "--version" or "--help" or "-h" or "-?"))
{
    // EF Core's query pipeline compiled on the other core while this one parses the command line, composes the services
    // and opens the database: 4-6 % off a small command (docs/performance.md, "Start-up"). A failure here is the
    // command's own to meet and report, so it is not reported twice.
    _ = Task.Run(() =>
    {
        try
        {
            DatabaseProviders.WarmUpQueryPipeline(host.Environment);
        }
        catch (Exception)
        {
        }
    });
}

return await CliApp.RunAsync(args, host);
