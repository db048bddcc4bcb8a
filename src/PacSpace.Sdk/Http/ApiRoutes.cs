namespace PacSpace.Sdk.Http;

/// <summary>Route prefixes of the Balance and Dashboard APIs; methods append their own segments.</summary>
internal static class ApiRoutes
{
    public const string WhoAmI = "/api/v1/whoami";

    public const string Balance = "/api/v1/balance";

    public const string Verify = "/api/v1/verify";

    public const string Records = "/api/v1/records";

    public const string Dashboard = "/dashboard";

    public const string Login = Dashboard + "/auth/login";

    public const string Environments = Dashboard + "/environments";

    public const string Contracts = Dashboard + "/contracts";

    public const string ApiKeys = Dashboard + "/api-keys";

    public const string Plan = Dashboard + "/billing/plan";

    public const string Webhooks = Dashboard + "/webhooks";

    /// <summary>The delivery log of an environment, on the control plane.</summary>
    public const string WebhookDeliveries = Webhooks + "/deliveries";

    /// <summary>The delivery log of the key's environment, on its plane.</summary>
    public const string BalanceWebhooks = Balance + "/webhooks";

    /// <summary>Customer creation: on the control plane, and on each plane's own host (the official clients send it to the key's base URL).</summary>
    public const string Customers = Dashboard + "/customers";
}
