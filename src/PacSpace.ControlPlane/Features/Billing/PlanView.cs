namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>The tenant's plan as <c>GET</c> and <c>POST /dashboard/billing/plan</c> answer it.</summary>
internal sealed record PlanView(string Tier, long? MonthlyAllotment, decimal? PlanPriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed, string Mode)
{
    public static PlanView Of(string tier, BillingMode mode)
    {
        var p = Plans.Get(tier);
        return new PlanView(p.Tier, p.MonthlyAllotment, p.PriceUsd, p.OveragePriceUsd, p.ProductionAllowed,
            mode == BillingMode.SelfServe ? "self-serve" : "operator");
    }
}
