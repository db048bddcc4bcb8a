using System.Net;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.Plane.Features.Webhooks;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>A created endpoint as the create answer shows it once.</summary>
public sealed record CreatedWebhook(string Id, string Secret, JsonElement Data);

public static class WebhookTestKit
{
    /// <summary>A public address that needs no name lookup (TEST-NET-3).</summary>
    public const string PublicUrl = "https://203.0.113.10/pacspace/webhooks";

    public static async Task<CreatedWebhook> CreateWebhookAsync(this DashboardApi api, Session session, string? environment = null, string url = PublicUrl,
        string[]? events = null, Auth auth = Auth.Bearer)
    {
        var answer = await api.SendAsync(HttpMethod.Post, "/dashboard/webhooks", new { url, environment, events }, session, auth);
        Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
        return ToWebhook(answer);
    }

    public static CreatedWebhook ToWebhook(Answer answer) =>
        new(answer.Data.GetProperty("id").GetString()!, answer.Data.GetProperty("secret").GetString()!, answer.Data);

    /// <summary>The stack's key-encryption key (every database of a stack seals with it).</summary>
    public static string Kek(this TestStack stack) => stack.Local.Root["Secrets:KeyEncryptionKey"]!;

    /// <summary>The plane's row of an endpoint, with its secrets opened; null when the plane holds none.</summary>
    internal static async Task<PlaneRows.WebhookRow?> PlaneWebhookAsync(this TestStack stack, Role plane, string id)
    {
        await using var c = await stack.PlaneDb(plane).OpenAsync(default);
        return await PlaneRows.WebhookEndpointAsync(c, stack.Kek(), id);
    }

    /// <summary>The plane's store as its delivery engine will use it, on the plane's database and the given clock.</summary>
    internal static WebhookEndpointStore PlaneEndpoints(this TestStack stack, Role plane, TimeProvider? clock = null) =>
        new(stack.PlaneDb(plane), PlaneRows.Sealing(stack.Kek()), clock ?? TimeProvider.System);
}
