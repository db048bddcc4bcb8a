using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// <c>/dashboard/api-keys</c>: create, list, get, rename / disable / enable, rotate, revoke. The secret exists in
/// memory only while the create (or rotate) answer is written; the database keeps SHA-256 of it.
/// </summary>
internal static class ApiKeyEndpoints
{
    // The documented request shapes; the bodies themselves are read field by field (JsonBody) so every problem is reported.
    public sealed record CreateRequest(string Name, string? Environment, DateTimeOffset? ExpiresAt);

    public sealed record UpdateRequest(string? Name, bool? Active);

    public sealed record RotateRequest(double? OverlapHours);

    public static IServiceCollection AddApiKeys(this IServiceCollection services) =>
        services.AddSingleton<ApiKeyStore>()
            .AddSingleton<CreateKey>()
            .AddSingleton<ListKeys>()
            .AddSingleton<GetKey>()
            .AddSingleton<UpdateKey>()
            .AddSingleton<RotateKey>()
            .AddSingleton<RevokeKey>();

    public static void MapApiKeys(this RouteGroupBuilder dashboard)
    {
        var keys = dashboard.MapGroup("/api-keys").WithTags("API keys");
        keys.MapPost("/", CreateAsync).AcceptsJson<CreateRequest>().Produces<CreatedKeyView>(201);
        keys.MapGet("/", ListAsync).Produces<PagedList<KeyView>>();
        keys.MapGet("/{id}", async (string id, HttpContext http, GetKey handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new GetKey.Input(id), ct), v => Envelope.Ok(v))).Produces<KeyView>();
        keys.MapPatch("/{id}", UpdateAsync).AcceptsJson<UpdateRequest>().Produces<KeyView>();
        keys.MapPost("/{id}/rotate", RotateAsync).AcceptsJson<RotateRequest>().Produces<CreatedKeyView>(201);
        keys.MapDelete("/{id}", async (string id, HttpContext http, RevokeKey handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new RevokeKey.Input(id), ct), v => Envelope.Ok(v, 200, "The key is revoked for good."))).Produces<KeyView>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CreateKey handler, TimeProvider time, CancellationToken ct)
    {
        var input = await JsonInput.ReadAsync(http.Request, required: true, fields => CreateKey.Input.Read(fields, time.GetUtcNow()), ct);
        var created = input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!;
        return Envelope.From(created, v => Envelope.Ok(v, 201, "Copy the secret now: it is shown only this once."));
    }

    private static async Task<IResult> ListAsync(HttpContext http, ListKeys handler, CancellationToken ct)
    {
        var query = JsonInput.ListQuery(http.Request.Query, KeyRules.Environments, KeyRules.AcceptedEnvironments);
        return query.IsSuccess
            ? Envelope.Ok(await handler.HandleAsync(Actor.Api(http), new ListKeys.Input(query.Value.Environment, query.Value.Page, query.Value.Limit), ct))
            : Envelope.Fail(query.Error!);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, UpdateKey handler, CancellationToken ct)
    {
        var input = await JsonInput.ReadAsync(http.Request, required: true, fields => UpdateKey.Input.Read(id, fields), ct);
        return Envelope.From(input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!, v => Envelope.Ok(v));
    }

    private static async Task<IResult> RotateAsync(string id, HttpContext http, RotateKey handler, CancellationToken ct)
    {
        var input = await JsonInput.ReadAsync(http.Request, required: false, fields => RotateKey.Input.Read(id, fields), ct);
        var rotated = input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!;
        return Envelope.From(rotated, v => Envelope.Ok(v, 201, string.Create(CultureInfo.InvariantCulture,
            $"Copy the new secret now: it is shown only this once. The previous key works until {v.PreviousKeyExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.")));
    }
}
