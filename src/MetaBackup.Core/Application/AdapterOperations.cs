using System.Text.Json.Nodes;
using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;

namespace MetaBackup.Core.Application;

/// <summary>An adapter as front ends show it: its plain config as an object, and which of its type's secret keys are set (never their values).</summary>
public sealed record AdapterView(
    string Id,
    AdapterKind Kind,
    string Type,
    string Name,
    JsonObject Config,
    IReadOnlyDictionary<string, bool> Secrets,
    string? CredentialProfileId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static AdapterView Of(AdaptersService adapters, Adapter adapter)
    {
        var config = adapters.ReadConfig(adapter);
        var set = config.SecretKeysSet.ToHashSet();
        return new AdapterView(
            adapter.Id,
            adapter.Kind,
            adapter.Type,
            adapter.Name,
            config.Plain,
            AdaptersService.TypeOf(adapter.Kind, adapter.Type).SecretKeys.ToDictionary(k => k.Name, k => set.Contains(k.Name)),
            adapter.CredentialProfileId,
            adapter.CreatedAt,
            adapter.UpdatedAt);
    }
}

/// <summary>An adapter type and whether this build can test its connections.</summary>
public sealed record AdapterTypeView(AdapterType Type, bool Testable);

public sealed record AddAdapter(AdapterKind Kind, string Type, string Name, AdapterConfigChange Config, string? CredentialProfile) : Operation<AdapterView>
{
    public override string Permission => Permissions.AdaptersWrite;

    public override AuditEntry Audit => new("adapters.add", $"{Kinds.Name(Kind)}/{Name}");

    internal override async Task<AdapterView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session, context.Services.Stores);
        return AdapterView.Of(adapters, await adapters.AddAsync(Kind, Type, Name, Config, CredentialProfile, cancellationToken));
    }
}

public sealed record ListAdapters(AdapterKind? Kind = null) : Operation<IReadOnlyList<AdapterView>>
{
    public override string Permission => Permissions.AdaptersRead;

    internal override async Task<IReadOnlyList<AdapterView>> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session);
        return (await adapters.ListAsync(Kind, cancellationToken)).Select(a => AdapterView.Of(adapters, a)).ToList();
    }
}

public sealed record ShowAdapter(string Reference) : Operation<AdapterView>
{
    public override string Permission => Permissions.AdaptersRead;

    internal override async Task<AdapterView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session);
        return AdapterView.Of(adapters, await adapters.FindAsync(Reference, cancellationToken));
    }
}

/// <summary>Changes an adapter: secret keys not given stay as stored.</summary>
public sealed record UpdateAdapter(string Reference, string? Name, AdapterConfigChange Config, string? CredentialProfile, DateTimeOffset? IfVersion = null) : Operation<AdapterView>
{
    public override string Permission => Permissions.AdaptersWrite;

    public override AuditEntry Audit => new("adapters.update", Reference);

    internal override async Task<AdapterView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session, context.Services.Stores);
        RecordVersions.Expect(context.Session, await adapters.FindAsync(Reference, cancellationToken), IfVersion);
        return AdapterView.Of(adapters, await adapters.UpdateAsync(Reference, Name, Config, CredentialProfile, cancellationToken));
    }
}

public sealed record RemoveAdapter(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.AdaptersWrite;

    public override AuditEntry Audit => new("adapters.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session);
        RecordVersions.Expect(context.Session, await adapters.FindAsync(Reference, cancellationToken), IfVersion);
        await adapters.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}

/// <summary>Tests an adapter's connection (docs/storage.md, "Testing connections").</summary>
public sealed record TestAdapter(string Reference, Action<string>? Progress = null) : Operation<ConnectionTestResult>
{
    public override string Permission => Permissions.AdaptersTest;

    internal override Task<ConnectionTestResult> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new ConnectionTests(context.Session, context.Services.Stores, context.Services.ConnectionTesters).TestAsync(Reference, Progress, cancellationToken);
}

/// <summary>Every adapter type, with its declared config keys, and whether its connections can be tested.</summary>
public sealed record ListAdapterTypes : Operation<IReadOnlyList<AdapterTypeView>>
{
    public override string Permission => Permissions.AdaptersRead;

    internal override Task<IReadOnlyList<AdapterTypeView>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AdapterTypeView>>(AdapterTypes.All
            .Select(t => new AdapterTypeView(t, ConnectionTests.WhyNotTestable(context.Services.Stores, context.Services.ConnectionTesters, t.Kind, t.Name) is null))
            .ToList());
}
