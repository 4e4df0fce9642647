using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Groups;

/// <summary>An RBAC group: users get their permissions from it. Natural key: <see cref="Name"/>.</summary>
public sealed class Group : ConfigRecord
{
    public required string Name { get; set; }
    public string? Description { get; set; }
    public List<string> Permissions { get; set; } = [];

    public override void Normalize()
    {
        Name = Check.Name(Name, "name");
        Description = Check.Optional(Description);
        Permissions = Access.Permissions.Parse(Permissions);
    }
}
