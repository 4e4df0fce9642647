using System.Linq.Expressions;

namespace MetaBackup.Core.Persistence.Queries;

/// <summary>
/// Compiles once, into a constant, every lambda nested in a query's executor that uses nothing of the scopes around it.
/// A compiled expression tree makes such a lambda a delegate again each time it runs past it (one
/// <c>DynamicMethod.CreateDelegate</c> each), and EF Core 10 writes several of them inline in the code that builds each
/// entity of a query with a collection include — for a job, its destinations' and notifications' shapers and fix-ups,
/// again for every job (docs/performance.md, "Export"). A lambda that reads a variable or parameter of an enclosing
/// scope is left as it is, and so is a quoted lambda, which is an expression tree and not a delegate.
/// </summary>
public static class ClosedLambdaHoisting
{
    public static Expression Hoist(Expression expression) => new Hoister().Visit(expression);

    /// <summary>Whether every parameter and variable <paramref name="lambda"/> reads is declared inside it.</summary>
    public static bool ReadsNothingAround(LambdaExpression lambda) => ScopeFinder.IsClosed(lambda);

    private sealed class Hoister : ExpressionVisitor
    {
        private int _depth;

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            _depth++;
            var visited = (LambdaExpression)base.VisitLambda(node);
            _depth--;
            return _depth > 0 && ReadsNothingAround(visited) ? Expression.Constant(visited.Compile(), visited.Type) : visited;
        }

        protected override Expression VisitUnary(UnaryExpression node) => node.NodeType == ExpressionType.Quote ? node : base.VisitUnary(node);
    }

    /// <summary>Whether every parameter and variable a lambda reads is declared inside it (its parameters, a block's variables, a catch's variable).</summary>
    private sealed class ScopeFinder : ExpressionVisitor
    {
        private readonly Stack<IReadOnlyCollection<ParameterExpression>> _scopes = new();
        private bool _reachesOut;

        public static bool IsClosed(LambdaExpression lambda)
        {
            var finder = new ScopeFinder();
            finder.Visit(lambda);
            return !finder._reachesOut;
        }

        protected override Expression VisitLambda<T>(Expression<T> node) => Within(node.Parameters, () => base.VisitLambda(node));

        protected override Expression VisitBlock(BlockExpression node) => Within(node.Variables, () => base.VisitBlock(node));

        protected override CatchBlock VisitCatchBlock(CatchBlock node)
        {
            Within(node.Variable is null ? [] : [node.Variable], () => { base.VisitCatchBlock(node); return node.Body; });
            return node;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _reachesOut |= !_scopes.Any(scope => scope.Contains(node));
            return node;
        }

        private Expression Within(IReadOnlyCollection<ParameterExpression> declared, Func<Expression> visit)
        {
            _scopes.Push(declared);
            try
            {
                return visit();
            }
            finally
            {
                _scopes.Pop();
            }
        }
    }
}
