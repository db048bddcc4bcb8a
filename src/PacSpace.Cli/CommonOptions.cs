using System.CommandLine;

namespace PacSpace.Cli;

/// <summary>Flags shared by the commands that locate an installation.</summary>
internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "Data folder (SQLite files, outbox, generated secrets).",
        DefaultValueFactory = _ => ".pacspace",
    };

    public static Option<string?> Database() => new("--database")
    {
        Description = "PostgreSQL connection string for the control database (\"Host=…;Database=pacspace;…\"). " +
                      "The planes use <database>_sandbox and <database>_production. Default: SQLite under --data.",
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "JSON configuration file (see docs/configuration.md). Environment variables PACSPACE_<Section>__<Key> override it.",
    };

    public static StackOptions ToStackOptions(ParseResult parse, Option<string> data, Option<string?> database, Option<string?> config) => new()
    {
        DataDirectory = parse.GetValue(data)!,
        Database = parse.GetValue(database),
        ConfigFile = parse.GetValue(config),
    };
}
