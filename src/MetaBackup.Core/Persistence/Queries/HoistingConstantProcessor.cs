using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence.Queries;

// EF Core's constant processor is marked internal and for evaluation: it is the one step that sees a query's executor
// just before it is compiled. An update of EF Core that changes it fails this file's build, or the tests
// ClosedLambdaHoistingTests.A_job_query_compiles_its_nested_shapers_once and
// …A_query_s_constants_are_worked_out_without_compiling_a_method_each, never silently.
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
    private readonly MaterializerLiftableConstantContext _context = new(dependencies);
    private readonly RelationalMaterializerLiftableConstantContext _relationalContext = new(dependencies, relationalDependencies, commandBuilderDependencies);

    public override Expression InlineConstants(Expression expression, bool supportsPrecompiledQuery) =>
        ClosedLambdaHoisting.Hoist(base.InlineConstants(expression, supportsPrecompiledQuery));

    /// <summary>
    /// Works out one of the query's constants (an entity type, a property, a value comparer…) from the expression that
    /// says how to find it. EF Core 10 compiles each such expression to run it once — a method JIT-compiled with full
    /// optimisation for every constant, about 250 in an import (docs/performance.md, "Start-up"); the interpreter of
    /// expression trees runs it without compiling anything. Not when the expression holds a lambda: the interpreter
    /// would make that lambda an interpreted delegate, and the query would then run it for every row.
    /// </summary>
    protected override ConstantExpression InlineConstant(LiftableConstantExpression liftableConstant)
    {
        if (!HoldsLambda(liftableConstant.ResolverExpression.Body))
        {
            switch (liftableConstant.ResolverExpression)
            {
                case Expression<Func<RelationalMaterializerLiftableConstantContext, object>> relational:
                    return Expression.Constant(relational.Compile(preferInterpretation: true)(_relationalContext), liftableConstant.Type);
                case Expression<Func<MaterializerLiftableConstantContext, object>> plain:
                    return Expression.Constant(plain.Compile(preferInterpretation: true)(_context), liftableConstant.Type);
            }
        }

        return base.InlineConstant(liftableConstant);
    }

    private static bool HoldsLambda(Expression expression)
    {
        var finder = new LambdaFinder();
        finder.Visit(expression);
        return finder.Found;
    }

    private sealed class LambdaFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        public override Expression? Visit(Expression? node) => Found ? node : base.Visit(node);

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Found = true;
            return node;
        }
    }
}

/// <summary>How a provider's options take <see cref="HoistingConstantProcessor"/>.</summary>
public static class HoistingConstantProcessorOptions
{
    public static DbContextOptionsBuilder<TContext> CompilingNestedLambdasOnce<TContext>(this DbContextOptionsBuilder<TContext> options)
        where TContext : DbContext =>
        options.ReplaceService<ILiftableConstantProcessor, HoistingConstantProcessor>();
}
