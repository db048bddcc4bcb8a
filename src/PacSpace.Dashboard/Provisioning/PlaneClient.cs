using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PacSpace.Dashboard.Features.Environments;
using PacSpace.Hosting.Web;

namespace PacSpace.Dashboard.Provisioning;

internal sealed record PlaneLedger(string Origin, string PublicKey);

/// <summary>The control plane's only way into a plane: its internal HTTP API, with the service secret.</summary>
internal sealed class PlaneClient(HttpClient http, IOptions<PlanesOptions> planes)
{
    /// <summary>Creates (or finds) the tenant's ledger on the plane. Throws on any failure; the caller retries.</summary>
    public async Task<PlaneLedger> EnsureTenantAsync(EnvName env, string tenantId, CancellationToken cancellationToken)
    {
        var endpoint = env == EnvName.Sandbox ? planes.Value.Sandbox : planes.Value.Production;
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(new Uri(endpoint.InternalUrl), $"/internal/v1/tenants/{Uri.EscapeDataString(tenantId)}"));
        request.Headers.Add(InternalApi.SecretHeader, planes.Value.ServiceSecret);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"the {Vocabulary.Current(env)} plane answered {(int)response.StatusCode}: {Truncate(body)}", null, response.StatusCode);
        }

        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var data = json.RootElement.GetProperty("data");
        return new PlaneLedger(data.GetProperty("origin").GetString()!, data.GetProperty("publicKey").GetString()!);
    }

    public string PublicUrl(EnvName env) => (env == EnvName.Sandbox ? planes.Value.Sandbox : planes.Value.Production).PublicUrl;

    public string InternalUrl(EnvName env) => (env == EnvName.Sandbox ? planes.Value.Sandbox : planes.Value.Production).InternalUrl;

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
