using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaBackup.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobListPositions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Position",
                table: "job_notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Position",
                table: "job_destinations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Each row's place in its job's list, in the order the rows were written (docs/database.md, "Lists"); the next
            // migration makes (JobId, Position) the key.
            foreach (var table in new[] { "job_destinations", "job_notifications" })
            {
                migrationBuilder.Sql(
                    $"UPDATE \"{table}\" SET \"Position\" = (SELECT count(*) FROM \"{table}\" AS earlier " +
                    $"WHERE earlier.\"JobId\" = \"{table}\".\"JobId\" AND earlier.\"Id\" < \"{table}\".\"Id\");");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Position",
                table: "job_notifications");

            migrationBuilder.DropColumn(
                name: "Position",
                table: "job_destinations");
        }
    }
}
