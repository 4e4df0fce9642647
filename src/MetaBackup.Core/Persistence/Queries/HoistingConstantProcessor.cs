using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence.Queries;

// EF Core's constant processor is marked internal and for evaluation: it is the one step that sees a query's executor
// just before it is compiled. An update of EF Core that changes it fails this file's build, or the test
// ClosedLambdaHoistingTests.A_job_query_compiles_its_nested_shapers_once, never silently.
#pragma warning disable EF1001, EF9100

/// <summary>
/// EF Core's last step before it compiles a query's executor, followed by <see cref="ClosedLambdaHoisting"/>. Both
/// providers replace the service with this one (<c>ReplaceService&lt;ILiftableConstantProcessor, …&gt;</c>).
/// </summary>
public sealed class HoistingConstantProcessor(
    ShapedQueryCompilingExpressionVisitorDependencies dependencies,
    RelationalShapedQueryCompilingExpressionVisitorDependencies relationalDependencies,
    RelationalCommandBuilderDependencies commandBuilderDependencies)
    : RelationalLiftableConstantProcessor(dependencies, relationalDependencies, commandBuilderDependencies)
{
    public override Expression InlineConstants(Expression expression, bool supportsPrecompiledQuery) =>
        ClosedLambdaHoisting.Hoist(base.InlineConstants(expression, supportsPrecompiledQuery));
}

/// <summary>How a provider's options take <see cref="HoistingConstantProcessor"/>.</summary>
public static class HoistingConstantProcessorOptions
{
    public static DbContextOptionsBuilder<TContext> CompilingNestedLambdasOnce<TContext>(this DbContextOptionsBuilder<TContext> options)
        where TContext : DbContext =>
        options.ReplaceService<ILiftableConstantProcessor, HoistingConstantProcessor>();
}
