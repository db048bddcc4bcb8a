using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Audit;

/// <summary>
/// The tenant's audit log for the audit page: newest first in keyset pages, filtered by an action or a family of actions and a
/// time window. The log belongs to the account, not to an environment: entries about one environment (a key, an endpoint, an
/// activation) say which in their details, and the page shows both environments' entries whichever is chosen in the header.
/// </summary>
internal sealed class SearchAuditLog(Database db)
{
    public const int PageSize = 25;

    /// <param name="Action">One action (<c>api_key.created</c>), or a family (<c>api_key.*</c>), or null for all.</param>
    public sealed record Input(string? Action, DateTimeOffset? From, DateTimeOffset? To, string? Cursor, int Limit = PageSize);

    /// <param name="Environment">The environment the entry is about, from its details (<c>sandbox</c>, <c>production</c>), or null.</param>
    public sealed record EntryView(string Id, DateTimeOffset At, string Action, string? UserId, string? Email, string Origin, string? Ip, string? TargetId,
        string? Environment, JsonElement? Details);

    public sealed record Output(IReadOnlyList<EntryView> Entries, string? Next);

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        if (input.Action is not null && !AuditActions.IsFilter(input.Action))
        {
            return Error.Validation("action", "must be one of the actions the audit log records, or a family of them such as api_key.*");
        }

        (long At, string Id)? after = null;
        if (input.Cursor is not null)
        {
            if (ReadCursor(input.Cursor) is not { } cursor)
            {
                return Error.Validation("cursor", "is not a page of the audit log");
            }

            after = cursor;
        }

        var family = input.Action is { } a && a.EndsWith('*') ? a[..^1] : null;
        var rows = await AuditStore.PageAsync(db, actor.TenantId, family is null ? input.Action : null, family, input.From?.ToUnixTimeMilliseconds(),
            input.To?.ToUnixTimeMilliseconds(), after?.At, after?.Id, input.Limit + 1, ct);
        var page = rows.Take(input.Limit).Select(r =>
        {
            var details = r.Details is null ? (JsonElement?)null : JsonDocument.Parse(r.Details).RootElement.Clone();
            return new EntryView(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Action, r.ActorId, r.Email, r.Origin, r.Ip, r.TargetId, EnvironmentOf(details), details);
        }).ToList();
        return new Output(page, rows.Count > input.Limit ? Cursor(rows[input.Limit - 1]) : null);
    }

    /// <summary>The environment an entry's details name (keys say test/live, the rest sandbox/production), in the current names.</summary>
    private static string? EnvironmentOf(JsonElement? details)
    {
        if (details is not { ValueKind: JsonValueKind.Object } d || !d.TryGetProperty("environment", out var e) || e.GetString() is not { } name)
        {
            return null;
        }

        return PacSpaceEnvironments.DashboardNames.TryGetValue(name, out var env) || PacSpaceEnvironments.KeyNames.TryGetValue(name, out env) ? env.Name() : null;
    }

    private static string Cursor(AuditStore.Entry last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.At}.{last.Id}"));

    private static (long At, string Id)? ReadCursor(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('.', 2);
            return parts.Length == 2 && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var at)
                && Ids.IsValid(parts[1], "aud")
                ? (at, parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
