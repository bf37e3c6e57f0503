/**
 * Side-effect module: makes tfjs usable for training in any backend. tfjs-core registers no
 * gradients by itself; the @tensorflow/tfjs bundle registers all of them (and the cpu backend).
 * PROD mode silences tfjs's "install tfjs-node" banner: onnxline prints its own backend line.
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);
