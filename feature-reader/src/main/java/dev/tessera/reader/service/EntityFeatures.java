package dev.tessera.reader.service;

import java.util.Map;

/** The requested features of one entity id, by feature name in the order asked. */
public record EntityFeatures(String entity, String id, Map<String, FeatureValue> features) {}
