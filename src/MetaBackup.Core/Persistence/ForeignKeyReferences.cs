using MetaBackup.Core.Configuration;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// Which declared references the database itself keeps from dangling: those whose field is mapped to the one column
/// of a foreign key to the target area's table (<see cref="ConfigurationDbContext"/>: references are foreign keys that
/// refuse to dangle). Read from the EF Core model and the records' JSON contract (<see cref="RecordFields"/>), so that
/// nothing lists them again. A reference the model has no such key for — a setting that names a record — is
/// checked by whoever needs it to resolve.
/// </summary>
internal static class ForeignKeyReferences
{
    /// <summary>The foreign key that holds the reference; null when none does.</summary>
    public static IReadOnlyForeignKey? KeyOf(IModel model, ConfigurationArea area, RecordReference reference)
    {
        IReadOnlyEntityType? holder = model.FindEntityType(area.EntityType);
        if (reference.List is { } list)
        {
            // A list of a record (a job's destinations) is an owned collection: its items are rows of their own table.
            holder = RecordFields.MemberOf(area.EntityType, list) is { } listMember ? holder?.FindNavigation(listMember.Name)?.TargetEntityType : null;
        }

        var property = holder is not null && RecordFields.MemberOf(holder.ClrType, reference.Field) is { } member ? holder.FindProperty(member.Name) : null;
        var target = ConfigurationAreas.Named(reference.Target) is { } targetArea ? model.FindEntityType(targetArea.EntityType) : null;
        return target is null ? null : property?.GetContainingForeignKeys().FirstOrDefault(key => key.Properties.Count == 1 && key.PrincipalEntityType == target);
    }
}
