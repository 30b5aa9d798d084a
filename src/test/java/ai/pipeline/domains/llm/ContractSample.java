package ai.pipeline.domains.llm;

/**
 * A short services contract written for the tests (none of its sentences is among the classifier's
 * exemplars), with five clearly worded CUAD clauses, and a paragraph of prose that is no contract.
 */
public final class ContractSample {

    public static final String GOVERNING_LAW = "This Agreement, and any claim arising out of it, shall be governed by and "
            + "interpreted under the laws of the State of Illinois.";
    public static final String TERMINATION = "The Client may terminate this Agreement at any time and for any reason by "
            + "giving the Service Provider sixty (60) days' prior written notice.";
    public static final String LIABILITY = "The total liability of the Service Provider for all claims under this Agreement "
            + "shall not exceed the fees paid by the Client during the six (6) months before the claim arose.";
    public static final String DISPARAGEMENT = "Neither party shall make, publish or communicate any defamatory or "
            + "disparaging remarks about the other party or its services.";
    public static final String ASSIGNMENT = "The Service Provider may not assign or otherwise transfer this Agreement, in "
            + "whole or in part, without the prior written consent of the Client.";

    public static final String CONTRACT = """
            SERVICES AGREEMENT

            This Services Agreement is made between Northwind Traders LLC (the "Client") and Blue Harbor \
            Consulting Inc. (the "Service Provider").

            1. Services. The Service Provider shall provide the consulting services described in Schedule A. \
            The Client shall pay each invoice within thirty (30) days of receipt.

            2. Termination. %s

            3. Limitation of Liability. %s

            4. Non-Disparagement. %s

            5. Assignment. %s

            6. Notices. All notices shall be in writing and delivered by hand or by registered mail.

            7. Governing Law. %s
            """.formatted(TERMINATION, LIABILITY, DISPARAGEMENT, ASSIGNMENT, GOVERNING_LAW);

    public static final String UNRELATED_PROSE = """
            The old lighthouse stands at the end of a narrow path that winds through the dunes. In summer, \
            families climb its spiral staircase to watch the fishing boats return in the evening light. The \
            keeper's cottage has become a small museum with maps, ship models and photographs of storms. On \
            clear days you can see the islands on the horizon, and seals often rest on the rocks below.
            """;

    private ContractSample() {
    }
}
