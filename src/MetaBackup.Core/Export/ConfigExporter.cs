using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using System.Text.Json;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;
using MetaBackup.Format;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Export;

/// <summary>Secrets could not be decrypted, so the export stopped rather than drop them silently.</summary>
public sealed class ExportSecretsException(IReadOnlyList<SecretFailure> failures) : MetaBackupException(
    $"The export stopped: {failures.Count} stored secret(s) could not be decrypted — {string.Join("; ", failures.Take(5))}{(failures.Count > 5 ? "; …" : "")}. No file was written.",
    "Set those secrets again, or export anyway, carrying on past them: they are then exported as \"\" and named in the export's warnings.",
    null,
    ErrorCode.SecretUnreadable)
{
    public IReadOnlyList<SecretFailure> Failures { get; } = failures;
}

/// <summary>
/// ExportConfig (docs/schema/README.md, docs/file-format.md): load every area → decrypt system-encrypted secrets → strip them unless
/// asked for → the JSON document → compression → encryption under an Encryption Profile → output.
/// Streaming throughout: records are read one at a time inside one read transaction (a consistent
/// snapshot) and written as they come, so memory does not grow with the configuration.
/// </summary>
public sealed class ConfigExporter(ConfigurationSession session)
{
    private ConfigurationDbContext Db => session.Db;

    /// <summary>Checks the options and resolves the profile's key; nothing is written. Fails for secrets without a profile and for a locked profile.</summary>
    public async Task<PreparedExport> PrepareAsync(ExportOptions options, CancellationToken cancellationToken = default)
    {
        if (options.IncludeSecrets && string.IsNullOrEmpty(options.EncryptionProfile))
        {
            throw new InvalidInputException(
                "Exporting secrets needs an Encryption Profile: secrets never leave MetaBackup unencrypted.",
                "Choose an Encryption Profile, or export without secrets.",
                new Dictionary<string, string> { ["field"] = "profile" });
        }

        if (!Enum.IsDefined(options.Compression))
        {
            throw new InvalidInputException($"Unknown compression '{options.Compression}'.", "Choose none, gzip or brotli.");
        }

        EncryptionProfile? profile = null;
        AesKey? key = null;
        if (!string.IsNullOrEmpty(options.EncryptionProfile))
        {
            var vault = new VaultService(session);
            profile = await vault.FindAsync(options.EncryptionProfile, cancellationToken);
            key = vault.KeyOf(profile);
        }

        var at = session.Clock.GetUtcNow();
        return new PreparedExport(options, profile, key, at, BackupFileName.For(at, options.Compression, key is not null));
    }

    /// <summary>
    /// Saves the whole configuration, secrets included, into <paramref name="directory"/>, encrypted under
    /// this server's system key: the safety snapshot an import takes first. Import finds that key, so
    /// importing the snapshot rolls the import back.
    /// </summary>
    public async Task<string> ExportSnapshotAsync(string directory, CancellationToken cancellationToken = default)
    {
        PrivateFile.CreateDirectory(directory);
        var at = session.Clock.GetUtcNow();
        // A secret that cannot be decrypted must not stop the import that may repair it: the snapshot
        // names it in its warnings and carries "" for it (docs/recovery.md, "Damaged secrets").
        var options = new ExportOptions(IncludeSecrets: true, Compression: BackupCompression.Gzip, ContinueOnSecretErrors: true);
        var prepared = new PreparedExport(options, null, session.SystemKey.Key, at, BackupFileName.For(at, options.Compression, encrypted: true, BackupFileName.SnapshotPrefix));
        var result = await WriteFileAsync(prepared, Path.Combine(directory, prepared.FileName), cancellationToken);
        return result.Path!;
    }

    /// <summary>Exports to a stream (left open).</summary>
    public async Task<ExportResult> ExportAsync(ExportOptions options, Stream output, CancellationToken cancellationToken = default) =>
        await WriteAsync(await PrepareAsync(options, cancellationToken), output, cancellationToken);

    /// <summary>
    /// Exports to a file: <paramref name="target"/> is a file path, or a directory in which the conventional
    /// name is used — an existing one, or one named with a trailing slash, which is created (owner-only).
    /// The file is written under a temporary name (owner-only) and renamed only when complete; on any
    /// failure nothing is left behind.
    /// </summary>
    public async Task<ExportResult> ExportToFileAsync(ExportOptions options, string target, CancellationToken cancellationToken = default)
    {
        var prepared = await PrepareAsync(options, cancellationToken);
        var isDirectory = Directory.Exists(target) || target.EndsWith('/') || target.EndsWith(Path.DirectorySeparatorChar);
        if (isDirectory)
        {
            PrivateFile.CreateDirectory(target);
        }

        return await WriteFileAsync(prepared, Path.GetFullPath(isDirectory ? Path.Combine(target, prepared.FileName) : target), cancellationToken);
    }

    private async Task<ExportResult> WriteFileAsync(PreparedExport prepared, string path, CancellationToken cancellationToken)
    {
        ExportResult? result = null;
        await PrivateFile.WriteAtomicAsync(path, async file => result = await WriteAsync(prepared, file, cancellationToken), cancellationToken: cancellationToken);
        return result! with { Path = path, Bytes = new FileInfo(path).Length };
    }

    private async Task<ExportResult> WriteAsync(PreparedExport prepared, Stream output, CancellationToken cancellationToken)
    {
        var options = prepared.Options;

        // One read transaction: the counts, the check and the records all see the same snapshot. Inside an
        // import's transaction (its safety snapshot) that transaction is the snapshot: it sees what the import will change.
        await using var snapshot = Db.Database.CurrentTransaction is null ? await session.BeginReadSnapshotAsync(cancellationToken) : null;
        var counts = await Db.CountRecordsAsync(cancellationToken);

        // A secret that cannot be decrypted stops the export before anything is kept, or (with the option) is named in the
        // warnings, which the document carries first. Where the output can be taken back (a file: every export but a
        // download), the document is written at once, each secret decrypted once; the rare export that meets such a
        // secret is taken back, then refused or written again knowing its warnings (docs/performance.md, "Export").
        // Elsewhere every secret is checked first, in a pass of its own.
        List<SecretFailure> failures;
        if (output.CanSeek)
        {
            var start = output.Position;
            failures = await WriteDocumentAsync(prepared, output, counts, [], cancellationToken);
            if (failures.Count > 0)
            {
                output.SetLength(start);
                output.Position = start;
                Refuse(failures, options);
                await WriteDocumentAsync(prepared, output, counts, Warnings(failures), cancellationToken);
            }
        }
        else
        {
            var check = new RecordExporter(session.Secrets, options.IncludeSecrets);
            foreach (var area in ConfigurationAreas.All.Where(a => a.SecretProperties.Count > 0))
            {
                await foreach (var record in Records(area, cancellationToken))
                {
                    check.Check(area, record);
                }
            }

            failures = check.Failures;
            Refuse(failures, options);
            await WriteDocumentAsync(prepared, output, counts, Warnings(failures), cancellationToken);
        }

        session.Logger<ConfigExporter>().LogInformation(
            "Exported the configuration ({Records} records, secrets {Secrets}, {Encryption})",
            counts.Values.Sum(), options.IncludeSecrets ? "included" : "stripped", prepared.Profile is null ? "unencrypted" : $"encrypted with profile {prepared.Profile.Name} ({prepared.Profile.Fingerprint})");
        return new ExportResult(prepared.FileName, prepared.At, options.IncludeSecrets, prepared.Key is not null, prepared.Profile?.Name, prepared.Profile?.Fingerprint, counts, Warnings(failures));
    }

    private static void Refuse(List<SecretFailure> failures, ExportOptions options)
    {
        if (failures.Count > 0 && !options.ContinueOnSecretErrors)
        {
            throw new ExportSecretsException(failures);
        }
    }

    private static List<string> Warnings(List<SecretFailure> failures) => failures.Select(f => f.ToString()).ToList();

    /// <summary>
    /// Writes the whole document (compressed, encrypted when a key is given) and returns the secrets that could not be
    /// decrypted. Reading the records (EF Core building each one) and writing them (secrets opened, JSON, compression,
    /// encryption) each take about half of an export's time, so they run side by side: this method reads, in the
    /// session's snapshot, and hands the records through a short queue to a writer on another thread, a batch of
    /// <see cref="Batch"/> records at a time (docs/performance.md, "Export"). Memory stays flat: the queue holds at most
    /// <see cref="BatchesInFlight"/> batches.
    /// </summary>
    private async Task<List<SecretFailure>> WriteDocumentAsync(
        PreparedExport prepared, Stream output, Dictionary<string, int> counts, List<string> warnings, CancellationToken cancellationToken)
    {
        var exporter = new RecordExporter(session.Secrets, prepared.Options.IncludeSecrets);
        var queue = Channel.CreateBounded<List<ConfigRecord>?>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await WriteRecordsAsync(queue.Reader, prepared, exporter, output, counts, warnings, stop.Token);
                }
                catch
                {
                    await stop.CancelAsync(); // the reader must not wait on a queue nobody empties
                    throw;
                }
            },
            CancellationToken.None);

        Exception? readFailure = null;
        try
        {
            foreach (var area in ConfigurationAreas.All)
            {
                var batch = new List<ConfigRecord>(Batch);
                await foreach (var record in Records(area, stop.Token))
                {
                    batch.Add(record);
                    if (batch.Count == Batch)
                    {
                        await queue.Writer.WriteAsync(batch, stop.Token);
                        batch = new List<ConfigRecord>(Batch);
                    }
                }

                await queue.Writer.WriteAsync(batch, stop.Token);
                await queue.Writer.WriteAsync(null, stop.Token); // the end of the area
            }
        }
        catch (Exception e)
        {
            readFailure = e;
        }
        finally
        {
            // Ended with the failure, the writer stops too, and never finishes a document whose records are missing.
            queue.Writer.TryComplete(readFailure);
        }

        Exception? writeFailure = null;
        try
        {
            await writing;
        }
        catch (Exception e)
        {
            writeFailure = e;
        }

        // The failure to report is the first one: a writer that failed on its own stopped the reader, which then saw a
        // cancellation that the caller did not ask for; otherwise reading's failure (or the caller's cancellation) is the cause.
        if (writeFailure is not null && (readFailure is null || (readFailure is OperationCanceledException && !cancellationToken.IsCancellationRequested)))
        {
            ExceptionDispatchInfo.Throw(writeFailure);
        }

        if (readFailure is not null)
        {
            ExceptionDispatchInfo.Throw(readFailure);
        }

        return exporter.Failures;
    }

    /// <summary>
    /// How many records a batch holds: handing each record on alone woke the other thread for nearly every record (a
    /// fifth of a million thread wake-ups and spins for an export of a million records).
    /// </summary>
    private const int Batch = 256;

    /// <summary>How many batches the reader may be ahead of the writer.</summary>
    private const int BatchesInFlight = 4;

    /// <summary>The document, with the records taken from <paramref name="batches"/>: each area's records in batches, then null.</summary>
    private static async Task WriteRecordsAsync(
        ChannelReader<List<ConfigRecord>?> batches, PreparedExport prepared, RecordExporter exporter, Stream output,
        Dictionary<string, int> counts, List<string> warnings, CancellationToken cancellationToken)
    {
        var body = prepared.Key is { } key
            ? EncryptedBackup.Create(new NonClosingStream(output), [key.Bytes.ToArray()], prepared.Options.Compression)
            : Compressions.Compress(new NonClosingStream(output), prepared.Options.Compression);
        await using (body)
        {
            // JSON goes to a buffer that is handed on when full: Utf8JsonWriter.FlushAsync would also flush the compressor,
            // ending a deflate block every time.
            var pending = new ArrayBufferWriter<byte>(64 * 1024);
            await using var json = new Utf8JsonWriter(pending, new JsonWriterOptions { Indented = true, Encoder = SecretMasking.Options.Encoder });
            json.WriteStartObject();
            WriteMetadata(json, prepared, counts, warnings);
            foreach (var area in ConfigurationAreas.All)
            {
                json.WriteStartArray(area.Name);
                while (await batches.ReadAsync(cancellationToken) is { } batch)
                {
                    foreach (var record in batch)
                    {
                        exporter.Write(json, area, record);
                        if (json.BytesPending + pending.WrittenCount > 32 * 1024)
                        {
                            await HandOnAsync(json, pending, body, cancellationToken);
                        }
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            await HandOnAsync(json, pending, body, cancellationToken);
        }
    }

    private static async Task HandOnAsync(Utf8JsonWriter json, ArrayBufferWriter<byte> pending, Stream body, CancellationToken cancellationToken)
    {
        json.Flush();
        await body.WriteAsync(pending.WrittenMemory, cancellationToken);
        pending.ResetWrittenCount();
    }

    private ConfiguredCancelableAsyncEnumerable<ConfigRecord> Records(ConfigurationArea area, CancellationToken cancellationToken) =>
        session.Records(area, cancellationToken, byId: true);

    private static void WriteMetadata(Utf8JsonWriter json, PreparedExport prepared, Dictionary<string, int> counts, List<string> warnings)
    {
        json.WriteStartObject("metadata");
        json.WriteString("format", ExportDocument.Format);
        json.WriteNumber("schemaVersion", ExportDocument.SchemaVersion);
        json.WriteString("appVersion", ExportDocument.AppVersion);
        json.WriteString("exportedAt", prepared.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteBoolean("includeSecrets", prepared.Options.IncludeSecrets);
        json.WriteString("source", WireName.Of(prepared.Options.Source));
        json.WriteStartObject("counts");
        foreach (var (area, count) in counts)
        {
            json.WriteNumber(area, count);
        }

        json.WriteEndObject();
        json.WriteStartArray("warnings");
        warnings.ForEach(json.WriteStringValue);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

/// <summary>An export whose options were checked and whose key was resolved; nothing written yet.</summary>
public sealed record PreparedExport(ExportOptions Options, EncryptionProfile? Profile, AesKey? Key, DateTimeOffset At, string FileName);
