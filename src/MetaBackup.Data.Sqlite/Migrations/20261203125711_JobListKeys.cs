using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaBackup.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobListKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_job_notifications",
                table: "job_notifications");

            migrationBuilder.DropIndex(
                name: "IX_job_notifications_JobId",
                table: "job_notifications");

            migrationBuilder.DropPrimaryKey(
                name: "PK_job_destinations",
                table: "job_destinations");

            migrationBuilder.DropIndex(
                name: "IX_job_destinations_JobId",
                table: "job_destinations");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "job_notifications");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "job_destinations");

            migrationBuilder.AddPrimaryKey(
                name: "PK_job_notifications",
                table: "job_notifications",
                columns: new[] { "JobId", "Position" });

            migrationBuilder.AddPrimaryKey(
                name: "PK_job_destinations",
                table: "job_destinations",
                columns: new[] { "JobId", "Position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_job_notifications",
                table: "job_notifications");

            migrationBuilder.DropPrimaryKey(
                name: "PK_job_destinations",
                table: "job_destinations");

            migrationBuilder.AddColumn<long>(
                name: "Id",
                table: "job_notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddColumn<long>(
                name: "Id",
                table: "job_destinations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddPrimaryKey(
                name: "PK_job_notifications",
                table: "job_notifications",
                column: "Id");

            migrationBuilder.AddPrimaryKey(
                name: "PK_job_destinations",
                table: "job_destinations",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_job_notifications_JobId",
                table: "job_notifications",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_job_destinations_JobId",
                table: "job_destinations",
                column: "JobId");
        }
    }
}
