using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaBackup.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RunClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DueAt",
                table: "task_runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeaseUntil",
                table: "task_runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "task_runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_task_runs_Task_DueAt",
                table: "task_runs",
                columns: new[] { "Task", "DueAt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_task_runs_Task_DueAt",
                table: "task_runs");

            migrationBuilder.DropColumn(
                name: "DueAt",
                table: "task_runs");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "task_runs");

            migrationBuilder.DropColumn(
                name: "Owner",
                table: "task_runs");
        }
    }
}
