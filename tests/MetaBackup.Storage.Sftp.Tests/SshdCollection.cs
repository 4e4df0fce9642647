namespace MetaBackup.Storage.Sftp.Tests;

/// <summary>
/// One sshd and one test user for every SFTP test class, which therefore run one after another:
/// some stop the server on purpose, and the user's credentials are shared.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SshdCollection : ICollectionFixture<SshdFixture>
{
    public const string Name = "sshd";
}
