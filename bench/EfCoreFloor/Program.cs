using MetaBackup.Bench.EfCoreFloor;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

// Usage: EfCoreFloor efcore|sqlite DATABASE — prints the profiles of a MetaBackup database, name, fingerprint and
// creation time, in name order, as `metabackup profiles list` reads them; the suite times it as a whole process.
if (args is not [var way and ("efcore" or "sqlite"), var database])
{
    Console.Error.WriteLine("usage: EfCoreFloor efcore|sqlite DATABASE");
    return 2;
}

if (way == "efcore")
{
    using var context = new FloorContext(database);
    foreach (var profile in context.Profiles.AsNoTracking().OrderBy(p => p.Name).ToList())
    {
        Console.WriteLine($"{profile.Name}\t{profile.Fingerprint}\t{profile.CreatedAt:u}");
    }
}
else
{
    using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = "SELECT Name, Fingerprint, CreatedAt FROM encryption_profiles ORDER BY Name";
    using var reader = command.ExecuteReader();
    while (reader.Read())
    {
        Console.WriteLine($"{reader.GetString(0)}\t{reader.GetString(1)}\t{reader.GetFieldValue<DateTimeOffset>(2):u}");
    }
}

return 0;
