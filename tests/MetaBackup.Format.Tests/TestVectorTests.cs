using System.Diagnostics;

namespace MetaBackup.Format.Tests;

/// <summary>The committed vectors in Vectors/ decode as their descriptions say, and are what the writer produces.</summary>
public sealed class TestVectorTests
{
    private static readonly string Committed = Path.Combine(AppContext.BaseDirectory, "Vectors");

    public static TheoryData<string> Names => new(TestVectors.All().Select(v => v.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_committed_vector_decodes_as_it_says(string name)
    {
        var description = File.ReadAllLines(Path.Combine(Committed, name + ".expect")).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        var file = File.ReadAllBytes(Path.Combine(Committed, name + ".mbk"));
        var key = Convert.FromHexString(description["key"]);

        if (description["expect"] == "success")
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(Committed, name + ".plain")), Decode(file, key));
        }
        else
        {
            var error = Assert.Throws<BackupFileException>(() => Decode(file, key));
            Assert.Equal(description["problem"], error.Problem.ToString());
        }
    }

    [Fact]
    public void The_committed_vectors_are_exactly_what_the_writer_produces()
    {
        var write = Environment.GetEnvironmentVariable("METABACKUP_WRITE_VECTORS") == "1";
        foreach (var vector in TestVectors.All())
        {
            if (write)
            {
                var source = Path.Combine(FindRepositoryRoot(), "tests", "MetaBackup.Format.Tests", "Vectors");
                File.WriteAllBytes(Path.Combine(source, vector.Name + ".mbk"), vector.File);
                File.WriteAllText(Path.Combine(source, vector.Name + ".expect"), TestVectors.Describe(vector));
                if (vector.Plaintext is not null)
                {
                    File.WriteAllBytes(Path.Combine(source, vector.Name + ".plain"), vector.Plaintext);
                }
            }
            else
            {
                Assert.Equal(vector.File, File.ReadAllBytes(Path.Combine(Committed, vector.Name + ".mbk")));
                Assert.Equal(TestVectors.Describe(vector), File.ReadAllText(Path.Combine(Committed, vector.Name + ".expect")));
            }
        }
    }

    /// <summary>
    /// The specification is enough to write a decoder in another language: tools/decode-backup.py,
    /// written from docs/file-format.md alone, must agree with every vector.
    /// </summary>
    [Fact]
    public void An_independent_python_decoder_agrees_with_every_vector()
    {
        if (!PythonWithCryptographyAvailable())
        {
            Assert.Skip("python3 with the 'cryptography' package is not installed here.");
        }

        var decoder = Path.Combine(FindRepositoryRoot(), "tools", "decode-backup.py");
        var brotli = Run("python3", "-c", "import brotli").Code == 0;
        foreach (var vector in TestVectors.All().Where(v => brotli || !v.Name.Contains("brotli", StringComparison.Ordinal)))
        {
            var (code, stdout, stderr) = Run("python3", decoder, Path.Combine(Committed, vector.Name + ".mbk"), Convert.ToHexStringLower(vector.Key));
            if (vector.Problem is null)
            {
                Assert.True(code == 0, $"{vector.Name}: {stderr}");
                Assert.Equal(vector.Plaintext, stdout);
            }
            else
            {
                Assert.True(code != 0, $"{vector.Name} should have been refused");
                Assert.Empty(stdout);
            }
        }
    }

    internal static byte[] Decode(byte[] file, byte[] key)
    {
        using var input = new MemoryStream(file);
        var header = EncryptedBackup.ReadHeader(input);
        using var body = EncryptedBackup.OpenBody(input, header, key);
        using var output = new MemoryStream();
        body.CopyTo(output);
        return output.ToArray();
    }

    private static bool PythonWithCryptographyAvailable()
    {
        try
        {
            return Run("python3", "-c", "import cryptography").Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static (int Code, byte[] Stdout, string Stderr) Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var stdout = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MetaBackup.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("MetaBackup.slnx not found above the test binaries.");
    }
}
