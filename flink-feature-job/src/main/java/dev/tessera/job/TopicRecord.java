package dev.tessera.job;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What a stream's source yields for each record of its topic: the {@link StreamEvent} it decodes
 * to, or, when it decodes to none, a {@link DeadLetter} keeping the record as it was. The job's
 * first operator per stream ({@link EventRouter}) parts the two.
 */
@TypeInfo(TopicRecordSerializer.TypeInfo.class)
public sealed interface TopicRecord permits StreamEvent, DeadLetter {}
