using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaBackup.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ServerAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RemoteAddress",
                table: "audit_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "api_key_usage",
                columns: table => new
                {
                    ApiKeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastUsedFrom = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_key_usage", x => x.ApiKeyId);
                    table.ForeignKey(
                        name: "FK_api_key_usage_api_keys_ApiKeyId",
                        column: x => x.ApiKeyId,
                        principalTable: "api_keys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_At",
                table: "audit_events",
                column: "At");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_key_usage");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_At",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "RemoteAddress",
                table: "audit_events");
        }
    }
}
