using System.CommandLine;
using System.Text.Json;
using PacSpace.Sdk;
using PacSpace.Sdk.Dashboard;
using Spectre.Console;

namespace PacSpace.Cli;

/// <summary>
/// Client commands over the Dashboard API, through the SDK's <see cref="PacSpaceDashboardClient"/>:
/// <c>pacspace login</c>, <c>pacspace env status|activate</c>, <c>pacspace keys create|list|revoke</c>. The login's
/// JWT is kept in <c>credentials.json</c> of the config folder (mode 600), or given with <c>--token</c> /
/// <c>PACSPACE_TOKEN</c>. Exit code 0 on success, 1 when the API refuses or an activation fails, 2 for bad input.
/// </summary>
internal static class ClientCommands
{
    private static readonly Option<string?> Url = new("--url") { Description = "The Dashboard API (default: the saved login's, else http://127.0.0.1:5080)." };
    private static readonly Option<string?> Token = new("--token") { Description = "A dashboard JWT (default: PACSPACE_TOKEN, else the saved login)." };
    private static readonly Option<DirectoryInfo?> ConfigDir = new("--config-dir") { Description = "Where the login is saved (default: $XDG_CONFIG_HOME/pacspace or ~/.config/pacspace)." };

    public static IEnumerable<Command> Create()
    {
        yield return Login();
        yield return Env();
        yield return Keys();
    }

    private static Command Login()
    {
        var email = new Option<string>("--email") { Required = true, Description = "Your account's e-mail." };
        var password = new Option<string?>("--password") { Description = "Your password (default: PACSPACE_PASSWORD)." };
        var code = new Option<string?>("--code") { Description = "With two-factor authentication on: the 6-digit code of your authenticator app, or a recovery code." };
        var command = new Command("login", "Log in to the Dashboard API and save the session token for the other client commands.") { email, password, code, Url, ConfigDir };
        command.SetAction((parse, ct) => RunAsync(parse, async (console, _) =>
        {
            var url = new Uri(parse.GetValue(Url) ?? PacSpaceDashboardClientOptions.DefaultUrl.ToString());
            using var client = new PacSpaceDashboardClient(new PacSpaceDashboardClientOptions { BaseUrl = url });
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("PACSPACE_PASSWORD")
                ?? throw new ArgumentException("Give --password or set PACSPACE_PASSWORD.");
            LoginResult result;
            try
            {
                result = await client.LoginAsync(parse.GetValue(email)!, secret, parse.GetValue(code), ct);
            }
            catch (PacSpaceException ex) when (ex.Code == PacSpaceErrorCodes.TwoFactorRequired)
            {
                throw new ArgumentException("This account uses two-factor authentication: run the command again with --code <the 6-digit code of your authenticator app, or a recovery code>.");
            }

            var file = Save(parse.GetValue(ConfigDir), new Credentials(url.ToString(), result.AccessToken, result.ExpiresAt));
            console.MarkupLineInterpolated($"Logged in as {parse.GetValue(email)}; the session is saved in {file} until {result.ExpiresAt:u}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Env()
    {
        var status = new Command("status", "Show both environments: state, activation time, failure reason, API endpoint.") { Url, Token, ConfigDir };
        status.SetAction((parse, ct) => RunAsync(parse, async (console, client) =>
        {
            var state = await client!.GetEnvironmentStatusAsync(ct);
            var endpoints = (await client.ListEnvironmentsAsync(ct)).ToDictionary(e => e.Environment, e => e.ApiBaseUrl);
            var table = new Table().AddColumns("environment", "status", "since", "endpoint", "error");
            foreach (var (name, s) in new[] { (PacSpaceEnvironments.SandboxName, state.Sandbox), (PacSpaceEnvironments.ProductionName, state.Production) })
            {
                table.AddRow(name, Colour(s.Status), s.ProvisionedAt?.ToString("u") ?? "", endpoints.GetValueOrDefault(name) ?? "", Markup.Escape(s.Error ?? ""));
            }

            console.Write(table);
            return 0;
        }, ct));

        var which = new Argument<string>("environment") { Description = "sandbox or production." };
        which.AcceptOnlyFromAmong(PacSpaceEnvironments.SandboxName, PacSpaceEnvironments.ProductionName);
        var activate = new Command("activate", "Activate an environment and show its progress until it is active or failed.") { which, Url, Token, ConfigDir };
        activate.SetAction((parse, ct) => RunAsync(parse, async (console, client) =>
        {
            var environment = parse.GetValue(which)!;
            string? last = null;
            EnvironmentState final;
            if (console.Profile.Capabilities.Interactive)
            {
                final = await console.Status().Spinner(Spinner.Known.Dots).StartAsync($"Activating {environment}…", async ctx =>
                {
                    var reporter = new SyncProgress(s => ctx.Status($"{environment}: {s.Status}…"));
                    return await client!.ActivateAndWaitAsync(environment, reporter, cancellationToken: ct);
                });
            }
            else
            {
                // Not a terminal: one line per change of state, so logs and tests see the progress.
                var reporter = new SyncProgress(s =>
                {
                    if (s.Status != last)
                    {
                        last = s.Status;
                        console.MarkupLineInterpolated($"{environment}: {s.Status}");
                    }
                });
                final = await client!.ActivateAndWaitAsync(environment, reporter, cancellationToken: ct);
            }

            if (final.Status == EnvironmentStatuses.Active)
            {
                console.MarkupLineInterpolated($"[green]{environment} is active[/] (since {final.ProvisionedAt:u}).");
                return 0;
            }

            console.MarkupLineInterpolated($"[red]{environment} activation failed:[/] {final.Error ?? "no reason given"}. Run the same command again to retry.");
            return 1;
        }, ct));

        return new Command("env", "Environments (Sandbox, Production) of your account.") { status, activate };
    }

    private static Command Keys()
    {
        var name = new Option<string>("--name") { Required = true, Description = "A name to recognise the key by (1–100 characters)." };
        var environment = new Option<string>("--environment") { Description = "test (Sandbox) or live (Production).", DefaultValueFactory = _ => PacSpaceEnvironments.TestKeyName };
        environment.AcceptOnlyFromAmong(PacSpaceEnvironments.TestKeyName, PacSpaceEnvironments.LiveKeyName);
        var create = new Command("create", "Create an API key; its secret is printed once.") { name, environment, Url, Token, ConfigDir };
        create.SetAction((parse, ct) => RunAsync(parse, async (console, client) =>
        {
            var key = await client!.CreateKeyAsync(parse.GetValue(name)!, parse.GetValue(environment)!, cancellationToken: ct);
            console.MarkupLineInterpolated($"Created {key.Id} ({key.Environment}) {key.PublicKey}");
            console.MarkupLine("[yellow]The full key is shown only now; store it in your secret manager:[/]");
            console.WriteLine(key.FullKey);
            return 0;
        }, ct));

        var filter = new Option<string?>("--environment") { Description = "Only test or only live keys." };
        filter.AcceptOnlyFromAmong(PacSpaceEnvironments.TestKeyName, PacSpaceEnvironments.LiveKeyName);
        var list = new Command("list", "List your API keys (never a secret).") { filter, Url, Token, ConfigDir };
        list.SetAction((parse, ct) => RunAsync(parse, async (console, client) =>
        {
            var table = new Table().AddColumns("id", "name", "environment", "public key", "status", "created", "last used");
            await foreach (var key in client!.ListKeysAsync(parse.GetValue(filter), cancellationToken: ct))
            {
                table.AddRow(key.Id, Markup.Escape(key.Name), key.Environment, key.PublicKey, Colour(key.Status), key.CreatedAt.ToString("u"), key.LastUsedAt?.ToString("u") ?? "never");
            }

            console.Write(table);
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The key's id (key_…)." };
        var revoke = new Command("revoke", "Revoke a key at once and for good.") { id, Url, Token, ConfigDir };
        revoke.SetAction((parse, ct) => RunAsync(parse, async (console, client) =>
        {
            var key = await client!.RevokeKeyAsync(parse.GetValue(id)!, ct);
            console.MarkupLineInterpolated($"{key.Id} ({key.PublicKey}) is {key.Status}.");
            return 0;
        }, ct));

        return new Command("keys", "API keys of your account.") { create, list, revoke };
    }

    /// <summary>Runs a command with a console that is plain when the output is not a terminal, and maps failures to exit codes.</summary>
    private static async Task<int> RunAsync(ParseResult parse, Func<IAnsiConsole, PacSpaceDashboardClient?, Task<int>> body, CancellationToken ct)
    {
        var console = CliConsole.Create(parse, 200);
        try
        {
            var isLogin = parse.CommandResult.Command.Name == "login";
            using var client = isLogin ? null : Connect(parse);
            return await body(console, client);
        }
        catch (PacSpaceException ex)
        {
            console.MarkupLineInterpolated($"[red]{ex.Code}[/] ({ex.StatusCode}): {ex.Message}");
            foreach (var d in ex.Details)
            {
                console.MarkupLineInterpolated($"  {d.Field}: {d.Issue}");
            }

            return 1;
        }
        catch (ArgumentException ex)
        {
            console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }
    }

    private static PacSpaceDashboardClient Connect(ParseResult parse)
    {
        var saved = Load(parse.GetValue(ConfigDir));
        var token = parse.GetValue(Token) ?? Environment.GetEnvironmentVariable("PACSPACE_TOKEN") ?? saved?.AccessToken
            ?? throw new ArgumentException("Not logged in: run `pacspace login --email you@example.com`, or give --token / PACSPACE_TOKEN.");
        var url = parse.GetValue(Url) ?? saved?.Url ?? PacSpaceDashboardClientOptions.DefaultUrl.ToString();
        return new PacSpaceDashboardClient(new PacSpaceDashboardClientOptions { BaseUrl = new Uri(url), AccessToken = token });
    }

    private sealed record Credentials(string Url, string AccessToken, DateTimeOffset ExpiresAt);

    private static string Folder(DirectoryInfo? given) => given?.FullName
        ?? Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "pacspace");

    private static string Save(DirectoryInfo? dir, Credentials credentials)
    {
        var folder = Folder(dir);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "credentials.json");
        // Created owner-only before the token is written.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(file, options))
        {
            JsonSerializer.Serialize(stream, credentials);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return file;
    }

    private static Credentials? Load(DirectoryInfo? dir)
    {
        var file = Path.Combine(Folder(dir), "credentials.json");
        return File.Exists(file) ? JsonSerializer.Deserialize<Credentials>(File.ReadAllText(file)) : null;
    }

    private static string Colour(string status) => status switch
    {
        "active" => "[green]active[/]",
        "failed" or "revoked" => $"[red]{status}[/]",
        "activating" => "[yellow]activating[/]",
        _ => Markup.Escape(status),
    };

    /// <summary>Reports on the caller's thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool and could reorder lines).</summary>
    private sealed class SyncProgress(Action<EnvironmentState> report) : IProgress<EnvironmentState>
    {
        public void Report(EnvironmentState value) => report(value);
    }
}
