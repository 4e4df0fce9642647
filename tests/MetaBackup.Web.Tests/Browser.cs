using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(MetaBackup.Web.Tests.Browser))]

namespace MetaBackup.Web.Tests;

/// <summary>
/// One headless Chromium for the whole run: Debian's <c>chromium</c> package (Playwright's own browser download does
/// not work on these machines; .ci/run installs the package), driven by Playwright for .NET.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"The browser tests need Chromium at {ExecutablePath}: apt-get install -y chromium (.ci/run does).");
        }

        // The timeouts catch a page that never comes, not a slow one: CI runs the browser tests beside other test
        // assemblies on two cores, where a cold path (the first OpenID Connect round trip through two servers in a
        // Debug build) has taken more than 15 s.
        Assertions.SetDefaultExpectTimeout(Ui.Timeout);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
