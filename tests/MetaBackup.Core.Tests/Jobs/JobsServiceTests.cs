using MetaBackup.Core.Configuration;
using MetaBackup.Core.Jobs;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Jobs;

public sealed class JobsServiceTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    private static JobInput Valid(string name = "job2") =>
        new(name, "30 2 * * *", "sample-postgres", [new DestinationInput("sample-local", 3)], "offsite", "brotli", [new NotificationInput("sample-webhook", "always")]);

    [Fact]
    public async Task A_valid_job_stores_its_references_in_order()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);

        var job = await new JobsService(session).AddAsync(Valid() with { Destinations = [new("sample-sftp", 2), new("sample-local", 9)] });

        Assert.Equal([2, 9], job.Destinations.Select(d => d.Retention));
        Assert.NotNull(job.EncryptionProfileId);
    }

    [Theory]
    [InlineData("no-such-db", null, null, "does not exist")]
    [InlineData(null, "no-such-storage", null, "does not exist")]
    [InlineData(null, null, "no-such-profile", "does not exist")]
    [InlineData("sample-local", null, null, "must be a database adapter")]
    [InlineData(null, "sample-postgres", null, "must be a storage adapter")]
    public async Task A_job_cannot_point_to_a_missing_record_or_an_adapter_of_the_wrong_kind(string? source, string? destination, string? profile, string message)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var before = _test.Dump();
        var input = Valid() with
        {
            Source = source ?? "sample-postgres",
            Destinations = [new DestinationInput(destination ?? "sample-local", 1)],
            EncryptionProfile = profile ?? "offsite",
        };

        var error = await Assert.ThrowsAsync<ReferenceException>(() => new JobsService(session).AddAsync(input));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _test.Dump());
    }

    [Theory]
    [InlineData("0 3 * *")]
    [InlineData("61 * * * *")]
    [InlineData("every day")]
    public async Task A_malformed_cron_expression_is_refused(string schedule)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => new JobsService(session).AddAsync(Valid() with { Schedule = schedule }));

        Assert.Contains("not a valid cron expression", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', error.Message);
    }

    [Theory]
    [InlineData("@daily")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 3 * * 1-5")]
    public async Task Standard_cron_forms_are_accepted(string schedule)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);

        var job = await new JobsService(session).AddAsync(Valid() with { Schedule = schedule });

        Assert.Equal(schedule, job.Schedule);
    }

    [Fact]
    public async Task A_duplicate_name_a_zero_retention_and_no_destination_are_refused()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var jobs = new JobsService(session);

        await Assert.ThrowsAsync<DuplicateKeyException>(() => jobs.AddAsync(Valid("nightly")));
        var zero = await Assert.ThrowsAsync<InvalidInputException>(() => jobs.AddAsync(Valid() with { Destinations = [new("sample-sftp", 2), new("sample-local", 0)] }));
        Assert.Matches("^The retention of destination [0-9a-f]+ must be at least 1; got 0\\.$", zero.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => jobs.AddAsync(Valid() with { Destinations = [] }));
    }

    [Fact]
    public async Task A_destination_listed_twice_is_refused_naming_the_first_so_listed_and_how_often()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var jobs = new JobsService(session);

        var twice = await Assert.ThrowsAsync<InvalidInputException>(() => jobs.AddAsync(Valid() with
        {
            Destinations = [new("sample-sftp", 1), new("sample-local", 1), new("sample-local", 2), new("sample-sftp", 3), new("sample-local", 4)],
        }));

        var sftp = (await new Core.Adapters.AdaptersService(session).FindAsync("sample-sftp")).Id;
        Assert.Equal($"A job writes to each destination once; adapter {sftp} is listed 2 times.", twice.Message);
    }

    [Fact]
    public async Task An_adapter_used_by_a_job_cannot_be_removed()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);

        var error = await Assert.ThrowsAsync<ReferenceException>(() => new Core.Adapters.AdaptersService(session).RemoveAsync("sample-s3"));

        Assert.Contains("nightly", error.Message, StringComparison.Ordinal);
    }
}
