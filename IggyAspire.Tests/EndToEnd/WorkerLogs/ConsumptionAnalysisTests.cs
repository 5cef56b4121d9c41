namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

public sealed class ConsumptionAnalysisTests
{
    private const string TraceA = "0af7651916cd43dd8448eb211c80319c";
    private const string TraceB = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string NoTrace = "00000000000000000000000000000000";

    private int _index;

    [Fact]
    public void Increasing_offsets_and_ids_per_replica_and_partition_are_in_order()
    {
        Consumption[] consumptions = [At("a", 0, 5, id: 1), At("b", 1, 0, id: 2), At("a", 0, 6, id: 3), At("b", 1, 1, id: 4)];

        Assert.Empty(ConsumptionAnalysis.OrderProblems(consumptions));
    }

    [Fact]
    public void A_skipped_offset_a_repeated_offset_or_a_lower_id_is_out_of_order()
    {
        Consumption[] consumptions = [At("a", 0, 5, id: 10), At("a", 0, 7, id: 13), At("a", 0, 7, id: 13), At("a", 0, 8, id: 12)];

        var problems = ConsumptionAnalysis.OrderProblems(consumptions);

        Assert.Equal(3, problems.Count);
        Assert.Contains("a consumed partition 0 offset 7 (message 13) right after offset 5 (message 10).", problems);
    }

    [Fact]
    public void Each_partition_served_once_by_one_replica_is_no_double_processing()
    {
        Consumption[] consumptions = [At("a", 0, 0, id: 1), At("b", 1, 0, id: 2), At("a", 2, 0, id: 3), At("a", 0, 1, id: 4)];

        Assert.Empty(ConsumptionAnalysis.DoubleProcessingProblems(consumptions));
    }

    [Fact]
    public void An_offset_consumed_by_two_replicas_is_double_processing()
    {
        Consumption[] consumptions = [At("a", 0, 3, id: 7), At("b", 0, 3, id: 7)];

        var problems = ConsumptionAnalysis.DoubleProcessingProblems(consumptions);

        Assert.Contains("Partition 0 offset 3 was consumed 2 times (by a, b).", problems);
        Assert.Contains("Partition 0 was served by more than one replica: a, b.", problems);
    }

    [Fact]
    public void A_message_id_at_two_offsets_is_double_processing()
    {
        Consumption[] consumptions = [At("a", 0, 3, id: 7), At("a", 1, 4, id: 7)];

        Assert.Contains("Message 7 was consumed at partition 0 offset 3 and partition 1 offset 4.", ConsumptionAnalysis.DoubleProcessingProblems(consumptions));
    }

    [Fact]
    public void Resuming_right_after_the_last_offset_on_every_partition_is_no_replay_and_no_gap()
    {
        Consumption[] before = [At("a", 0, 0, id: 1), At("b", 1, 0, id: 2), At("a", 0, 1, id: 3)];
        Consumption[] after = [At("b", 0, 2, id: 5), At("a", 1, 1, id: 4), At("b", 0, 3, id: 6)];

        Assert.Empty(ConsumptionAnalysis.ResumeProblems(before, after, partitions: 2));
    }

    [Fact]
    public void Starting_again_from_offset_zero_is_a_replay()
    {
        Consumption[] before = [At("a", 0, 0, id: 1), At("a", 0, 1, id: 2)];
        Consumption[] after = [At("a", 0, 0, id: 1), At("a", 0, 1, id: 2), At("a", 0, 2, id: 3)];

        var problems = ConsumptionAnalysis.ResumeProblems(before, after, partitions: 1);

        Assert.Contains("Partition 0: the last offset consumed before the restart was 1, the first one after it 0 (a replay).", problems);
        Assert.Contains("Messages 1, 2 were consumed both before and after the restart.", problems);
    }

    [Fact]
    public void Skipping_offsets_at_or_after_the_restart_is_a_gap()
    {
        Consumption[] before = [At("a", 0, 4, id: 1)];
        Consumption[] after = [At("a", 0, 6, id: 3), At("a", 0, 8, id: 5)];

        var problems = ConsumptionAnalysis.ResumeProblems(before, after, partitions: 1);

        Assert.Contains("Partition 0: the last offset consumed before the restart was 4, the first one after it 6 (a gap).", problems);
        Assert.Contains("Partition 0: after the restart, offsets 7 were skipped.", problems);
    }

    [Fact]
    public void A_partition_seen_on_one_side_only_or_not_at_all_cannot_show_resumption()
    {
        Consumption[] before = [At("a", 0, 4, id: 1), At("a", 1, 2, id: 2)];
        Consumption[] after = [At("a", 0, 5, id: 3)];

        var problems = ConsumptionAnalysis.ResumeProblems(before, after, partitions: 3);

        Assert.Contains("Partition 1 was consumed only before the restart, so resumption cannot be judged there.", problems);
        Assert.Contains("Only partitions 0, 1 of 3 were consumed.", problems);
    }

    [Fact]
    public void Each_message_processed_in_the_trace_it_was_sent_in_is_one_trace_per_message()
    {
        Send[] sends = [new(1, 1, 1, TraceA), new(2, 1, 2, TraceB)];
        Consumption[] consumptions = [At("a", 0, 0, id: 1, TraceA), At("a", 1, 0, id: 2, TraceB)];

        Assert.Empty(ConsumptionAnalysis.TraceProblems(sends, consumptions));
    }

    [Fact]
    public void A_different_trace_a_missing_trace_or_one_trace_for_separate_sends_is_reported()
    {
        Send[] sends = [new(1, 1, 1, TraceA), new(2, 1, 2, TraceA), new(3, 1, 3, NoTrace)];
        Consumption[] consumptions = [At("a", 0, 0, id: 1, TraceB), At("a", 1, 0, id: 9, TraceA)];

        var problems = ConsumptionAnalysis.TraceProblems(sends, consumptions);

        Assert.Contains($"Message 1 was sent in trace {TraceA} but processed in trace {TraceB}.", problems);
        Assert.Contains("Message 9 was consumed but the producer never logged sending it.", problems);
        Assert.Contains($"Message 3 was sent without a trace (trace id {NoTrace}).", problems);
        Assert.Contains($"Separate sends share trace {TraceA} (messages 1, 2).", problems);
    }

    [Fact]
    public void Every_partition_must_reach_the_count_to_be_covered()
    {
        Consumption[] consumptions = [At("a", 0, 0, id: 1), At("a", 0, 1, id: 2), At("b", 1, 0, id: 3)];

        Assert.True(ConsumptionAnalysis.CoversEveryPartition(consumptions, partitions: 2, atLeast: 1));
        Assert.False(ConsumptionAnalysis.CoversEveryPartition(consumptions, partitions: 2, atLeast: 2));
        Assert.False(ConsumptionAnalysis.CoversEveryPartition(consumptions, partitions: 3, atLeast: 1));
    }

    private Consumption At(string instance, uint partition, ulong offset, long id, string trace = TraceA) =>
        new(_index++, instance, 1, id, partition, offset, trace);
}
