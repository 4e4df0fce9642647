using System.Net.Sockets;

namespace MetaBackup.Testing;

/// <summary>The repository the tests run from, and small helpers for the servers they start.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>A loopback port nothing listens on right now, for a server a test starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts connections on a loopback port.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MetaBackup.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (MetaBackup.slnx) was not found above the test binaries.");
    }
}
