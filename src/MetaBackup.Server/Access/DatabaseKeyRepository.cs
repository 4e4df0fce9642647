using System.Xml.Linq;
using MetaBackup.Core.Access;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server.Access;

/// <summary>
/// Where Data Protection keeps the keys that sign session cookies and antiforgery tokens: the configuration database
/// (<see cref="ServerKey"/>), sealed under the system key, so that every instance on one database accepts what another
/// signed (docs/database.md, "Several instances"). Data Protection calls it rarely (to load the key ring, to add a key)
/// and synchronously. A key that no longer opens — the system key was replaced without a rotation — is left out and
/// logged: Data Protection then makes a new one, and people sign in again.
/// </summary>
internal sealed class DatabaseKeyRepository(ConfigurationStore store, ILogger<DatabaseKeyRepository> logger) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => Task.Run(async () =>
    {
        await using var session = await store.OpenAsync(Actor.System);
        var elements = new List<XElement>();
        foreach (var key in await session.Db.ServerKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync())
        {
            try
            {
                elements.Add(XElement.Parse(session.Secrets.Open(key.Xml).Reveal()));
            }
            catch (SecretDecryptionException)
            {
                logger.LogWarning("The sign-in key {Name} does not open with the system key in force; it is left out", key.Name);
            }
        }

        return (IReadOnlyCollection<XElement>)elements;
    }).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) => Task.Run(async () =>
    {
        await using var session = await store.OpenAsync(Actor.System);
        session.Db.ServerKeys.Add(new ServerKey { Name = friendlyName, Xml = session.Secrets.Seal(new SecretText(element.ToString(SaveOptions.DisableFormatting))) });
        await session.Db.SaveChangesAsync();
    }).GetAwaiter().GetResult();
}
