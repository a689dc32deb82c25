// The relay's one mongoose connection. Commands are not buffered, so a lost database fails fast
// instead of hanging, and every write is journaled before it is acknowledged.
import mongoose from 'mongoose';

mongoose.set('bufferCommands', false);
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/**
 * Connects to `uri` using database `dbName` and builds the indexes the models declare.
 * @example const conn = await connectDatabase('mongodb://127.0.0.1:27117/', 'parley')
 */
export async function connectDatabase(uri: string, dbName: string): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    writeConcern: { w: 1, j: true },
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 50,
    autoIndex: false,
  });
  await connection.asPromise();
  return connection;
}
