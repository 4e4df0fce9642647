using MetaBackup.Core.Access;
using MetaBackup.Core.Settings;

namespace MetaBackup.Core.Application;

/// <summary>A setting as MetaBackup reads it (its stored value, else its default).</summary>
public sealed record GetSetting(string Key) : Operation<EffectiveSetting>
{
    public override string Permission => Permissions.SettingsRead;

    internal override Task<EffectiveSetting> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new SettingsService(context.Session).GetEffectiveAsync(Key, cancellationToken);
}

/// <summary>Every known setting (stored value or default) and every other stored one.</summary>
public sealed record ListSettings : Operation<IReadOnlyList<EffectiveSetting>>
{
    public override string Permission => Permissions.SettingsRead;

    internal override async Task<IReadOnlyList<EffectiveSetting>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new SettingsService(context.Session).ListEffectiveAsync(cancellationToken);
}

/// <summary>Sets a setting, checked as its rules say (a reference by id or name is stored as the id).</summary>
public sealed record SetSetting(string Key, string Value) : Operation<Setting>
{
    public override string Permission => Permissions.SettingsWrite;

    public override AuditEntry Audit => new("setting.set", Key);

    internal override Task<Setting> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new SettingsService(context.Session).SetAsync(Key, Value, cancellationToken);
}

public sealed record UnsetSetting(string Key) : Operation<Done>
{
    public override string Permission => Permissions.SettingsWrite;

    public override AuditEntry Audit => new("setting.unset", Key);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        await new SettingsService(context.Session).RemoveAsync(Key, cancellationToken);
        return Done.Value;
    }
}

/// <summary>Sets (a value) and unsets (null) several settings as one change (a settings form's save).</summary>
public sealed record SetSettings(IReadOnlyDictionary<string, string?> Values) : Operation<Done>
{
    public override string Permission => Permissions.SettingsWrite;

    public override AuditEntry Audit => new("setting.set", string.Join(", ", Values.Keys.Order(StringComparer.Ordinal)));

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        await new SettingsService(context.Session).SetManyAsync(Values, cancellationToken);
        return Done.Value;
    }
}
