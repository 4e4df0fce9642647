using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Access;

/// <summary>
/// A key of the server's sign-in protection — ASP.NET Core Data Protection, which signs session cookies and antiforgery
/// tokens — kept in the configuration database, so that a sign-in made through one server instance is valid on every
/// other on the same database (docs/database.md, "Several instances"). Its XML is sealed under the system key like every
/// secret at rest, and a system key rotation seals it again. Not configuration: never exported.
/// </summary>
public sealed class ServerKey
{
    public long Id { get; set; }

    /// <summary>Data Protection's name for it (the key's id).</summary>
    public required string Name { get; set; }

    public required EncryptedSecret Xml { get; set; }
}
