namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>Section <c>Billing</c>.</summary>
public sealed class BillingOptions
{
    /// <summary><c>SelfServe</c>: users change their own plan. <c>Operator</c>: only <c>pacspace tenants set-plan</c> does.</summary>
    public BillingMode Mode { get; set; } = BillingMode.Operator;
}
