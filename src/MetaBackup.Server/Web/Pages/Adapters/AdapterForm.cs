using MetaBackup.Core.Adapters;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.Http;

namespace MetaBackup.Server.Web.Pages.Adapters;

/// <summary>
/// An adapter form read from its type's declaration (<see cref="AdapterTypes"/>): one field per config key, named
/// <c>config.KEY</c>; a secret key is a password field that, left empty, keeps what is stored, and has a box to
/// remove it. The change is what the application layer takes from every front end.
/// </summary>
public static class AdapterForm
{
    public const string Prefix = "config.";
    public const string UnsetPrefix = "unset.";

    public static string TitleOf(AdapterKind kind) => kind switch
    {
        AdapterKind.Database => "Databases",
        AdapterKind.Storage => "Storage destinations",
        _ => "Notification channels",
    };

    public static string SingularOf(AdapterKind kind) => kind switch
    {
        AdapterKind.Database => "a database",
        AdapterKind.Storage => "a storage destination",
        _ => "a notification channel",
    };

    public static AdapterConfigChange Read(AdapterType type, IFormCollection form, bool creating)
    {
        var values = new Dictionary<string, string>();
        var secrets = new Dictionary<string, SecretText>();
        var unset = new List<string>();
        foreach (var key in type.Keys)
        {
            var given = form[Prefix + key.Name].ToString();
            if (key.Secret)
            {
                if (given.Length > 0)
                {
                    secrets[key.Name] = new SecretText(given);
                }
                else if (form[UnsetPrefix + key.Name] == "true")
                {
                    unset.Add(key.Name);
                }
            }
            else if (given.Trim().Length > 0)
            {
                values[key.Name] = given.Trim();
            }
            else if (!creating)
            {
                unset.Add(key.Name);
            }
        }

        return new AdapterConfigChange(values, secrets, unset);
    }
}
