using Microsoft.AspNetCore.Http;

namespace PacSpace.Plane.Features.Keys;

/// <summary>Who is calling, once the key checked out: what the Balance API handlers read.</summary>
internal sealed class ApiCaller
{
    public ApiCaller(string keyId, string publicId, string tenantId, string environment, string plan)
    {
        KeyId = keyId;
        PublicId = publicId;
        TenantId = tenantId;
        Environment = environment;
        Plan = plan;
        RateKey = keyId + "/" + plan;
        WhoAmI = new WhoAmIView(tenantId, environment, keyId);
    }

    public string KeyId { get; }

    public string PublicId { get; }

    public string TenantId { get; }

    public string Environment { get; }

    public string Plan { get; }

    /// <summary>Rate-limit partition: a plan change gives the key a fresh bucket with the new limits.</summary>
    public string RateKey { get; }

    public WhoAmIView WhoAmI { get; }

    /// <summary>
    /// The control plane reading a tenant's data through the internal read routes, on behalf of a signed-in user of the tenant:
    /// no key and no plan, so only for Balance API reads that use neither (a delta's status, a record's history).
    /// </summary>
    public static ApiCaller ForTenant(string tenantId, string environment) => new("", "", tenantId, environment, PacSpace.Contracts.Plans.PlanCatalog.Free);

    /// <summary>The caller <see cref="ApiKeyMiddleware"/> attached to a request of a key-protected route.</summary>
    public static ApiCaller Of(HttpContext http) => http.Features.Get<ApiCaller>()!;
}
