namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>Who changes a tenant's plan.</summary>
public enum BillingMode
{
    SelfServe,
    Operator,
}
