using MetaBackup.Core.Access;
using MetaBackup.Server.Http;
using MetaBackup.Testing;

namespace MetaBackup.Server.Tests;

/// <summary>docs/api.md keeps up with the declarations: every permission and every problem code, with its status.</summary>
public sealed class ApiDocumentationTests
{
    private static readonly string Text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md"));

    [Fact]
    public void Every_permission_is_in_the_permissions_table()
    {
        Assert.All(Permissions.All, permission => Assert.Contains($"`{permission}`", Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_code_is_in_the_errors_table_with_its_status()
    {
        Assert.All(ProblemTypes.All, type => Assert.Contains($"| `{type.Slug}` | {type.Status}", Text, StringComparison.Ordinal));
    }
}
