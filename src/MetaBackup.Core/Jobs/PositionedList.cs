using System.Collections.ObjectModel;

namespace MetaBackup.Core.Jobs;

/// <summary>An item that knows its place in its list (<see cref="JobDestination.Position"/>).</summary>
public interface IPositioned
{
    int Position { get; set; }
}

/// <summary>
/// A job's destinations or notifications: a list that puts each item added at the end after every item of a higher
/// position, so that a list read from the database is in its given order whatever order its rows arrive in — EF Core
/// orders the rows of a query's last collection by nothing (docs/database.md, "Lists"). Items not numbered yet (all 0,
/// until <see cref="NumberPositions"/>) keep the order they are added in.
/// </summary>
public sealed class PositionedList<T> : Collection<T>
    where T : IPositioned
{
    protected override void InsertItem(int index, T item)
    {
        if (index == Count)
        {
            while (index > 0 && this[index - 1].Position > item.Position)
            {
                index--;
            }
        }

        base.InsertItem(index, item);
    }

    /// <summary>Gives each item its place in the list as it stands, which the database keeps.</summary>
    public void NumberPositions()
    {
        for (var i = 0; i < Count; i++)
        {
            this[i].Position = i;
        }
    }
}
