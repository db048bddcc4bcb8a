namespace PacSpace.Contracts.Planes;

/// <summary>
/// A tenant's ledger on one plane, as <c>PUT</c>/<c>GET /internal/v1/tenants/{tenantId}</c> answer it: the plane
/// writes it, the control plane reads it when it provisions an environment.
/// </summary>
public sealed record TenantLedgerInfo(
    string TenantId,
    string Environment,
    string Origin,
    string PublicKey,
    string VerifierKey,
    long TreeSize,
    string RootHash,
    string Checkpoint,
    DateTimeOffset CreatedAt);
