namespace MetaBackup.Core.Adapters;

/// <summary>
/// Every adapter type MetaBackup knows, declared once. A key marked secret here is sealed at rest,
/// stripped from exports without secrets and never printed.
/// </summary>
public static class AdapterTypes
{
    public static readonly IReadOnlyList<AdapterType> All =
    [
        // Databases: the sources of backup jobs.
        Database("postgres", Host, Port, Required("database"), Key("username"), Secret("password"), Key("sslMode", allowed: ["disable", "prefer", "require", "verify-ca", "verify-full"])),
        Database("mysql", Host, Port, Required("database"), Key("username"), Secret("password")),
        Database("mariadb", Host, Port, Required("database"), Key("username"), Secret("password")),
        Database("mongodb", [Secret("uri"), Key("host"), Port, Key("database"), Key("username"), Secret("password"), Key("authSource")], anyOf: [["uri", "host"]]),
        Database("mssql", Host, Port, Required("database"), Key("username"), Secret("password"), Key("trustServerCertificate", ConfigValueType.Boolean)),
        Database("sqlite", Required("path")),
        Database("redis", Host, Port, Key("database", ConfigValueType.Integer), Key("username"), Secret("password"), Key("tls", ConfigValueType.Boolean)),

        // Storage: where backups are written.
        Storage("local", Required("path")),
        Storage("s3", Key("endpoint"), Required("region"), Required("bucket"), Key("prefix"), Key("forcePathStyle", ConfigValueType.Boolean), Required("accessKeyId"), Secret("secretAccessKey", required: true)),
        Storage("sftp", Host, Port, Required("username"), Secret("password"), Secret("privateKey"), Secret("passphrase"), Key("hostKeyFingerprint"), Required("path")),

        // Notifications: who hears about runs. Webhook URLs carry their token, so they are secret.
        Notification("webhook", Secret("url", required: true), Key("method", allowed: ["POST", "PUT"])),
        Notification("smtp", Host, Port, Key("username"), Secret("password"), Required("from"), Required("to"), Key("security", allowed: ["none", "starttls", "tls"])),
        Notification("discord", Secret("webhookUrl", required: true)),
        Notification("slack", Secret("webhookUrl", required: true), Key("channel")),
    ];

    /// <summary>Finds a type by kind and name, or null: a loop, as <see cref="AdapterType.FindKey"/>, since an import asks it for every adapter.</summary>
    public static AdapterType? Find(AdapterKind kind, string name)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].Kind == kind && string.Equals(All[i].Name, name, StringComparison.Ordinal))
            {
                return All[i];
            }
        }

        return null;
    }

    public static IEnumerable<AdapterType> OfKind(AdapterKind kind) => All.Where(t => t.Kind == kind);

    private static ConfigKey Host => Required("host");

    private static ConfigKey Port => Key("port", ConfigValueType.Integer);

    private static ConfigKey Key(string name, ConfigValueType type = ConfigValueType.String, IReadOnlyList<string>? allowed = null) =>
        new(name, type, AllowedValues: allowed);

    private static ConfigKey Required(string name) => new(name, Required: true);

    private static ConfigKey Secret(string name, bool required = false) => new(name, Required: required, Secret: true);

    private static AdapterType Database(string name, params ConfigKey[] keys) => new(AdapterKind.Database, name, keys);

    private static AdapterType Database(string name, ConfigKey[] keys, IReadOnlyList<IReadOnlyList<string>> anyOf) => new(AdapterKind.Database, name, keys, anyOf);

    private static AdapterType Storage(string name, params ConfigKey[] keys) => new(AdapterKind.Storage, name, keys);

    private static AdapterType Notification(string name, params ConfigKey[] keys) => new(AdapterKind.Notification, name, keys);
}
